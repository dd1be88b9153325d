ALTER TABLE `links` ADD `folded_clicks` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `links` SET `folded_clicks` = (
  SELECT coalesce(sum(h.`clicks`), 0) FROM `click_hours` h JOIN `click_profiles` p ON p.`id` = h.`profile_id`
  WHERE h.`link_id` = `links`.`id` AND p.`bot` = 0
);
