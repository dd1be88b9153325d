CREATE TABLE `click_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`created_at` integer NOT NULL,
	`counts` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `click_hours` (
	`link_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`profile_id` integer NOT NULL,
	`clicks` integer NOT NULL,
	PRIMARY KEY(`link_id`, `hour`, `profile_id`),
	FOREIGN KEY (`link_id`) REFERENCES `links`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_id`) REFERENCES `click_profiles`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `click_profiles` (
	`id` integer PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`country` text,
	`device` text,
	`browser` text,
	`os` text,
	`referrer` text,
	`bot` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `click_profiles_key_unique` ON `click_profiles` (`key`);--> statement-breakpoint
INSERT INTO `click_profiles` (`key`, `country`, `device`, `browser`, `os`, `referrer`, `bot`)
SELECT json_array(`country`, `device`, `browser`, `os`, `referrer`, `bot`), `country`, `device`, `browser`, `os`, `referrer`, `bot`
FROM `clicks` GROUP BY 1;
--> statement-breakpoint
INSERT INTO `click_hours` (`link_id`, `hour`, `profile_id`, `clicks`)
SELECT c.`link_id`, c.`created_at` / 3600, p.`id`, sum(c.`count`)
FROM `clicks` c JOIN `click_profiles` p ON p.`key` = json_array(c.`country`, c.`device`, c.`browser`, c.`os`, c.`referrer`, c.`bot`)
GROUP BY 1, 2, 3;
